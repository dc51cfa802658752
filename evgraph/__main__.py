"""``python -m evgraph`` runs the command line."""

from evgraph.cli import main

main()
