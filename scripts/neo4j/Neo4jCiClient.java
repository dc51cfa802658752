import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.SecurityException;

/**
 * Tiny Bolt client for scripts/neo4j-server.sh, compiled at fetch time against the
 * Neo4j Java driver that org.neo4j:neo4j already brings into lib/.
 *
 * Usage:
 *   Neo4jCiClient wait  URI TIMEOUT_SECONDS SERVER_PID
 *       poll until "RETURN 1" answers; exit 0 when ready, 1 on timeout or if the
 *       server process is gone, 2 on an authentication failure (no retry).
 *   Neo4jCiClient query URI DATABASE CYPHER
 *       run one statement and print each record as tab-separated values
 *       (an empty DATABASE means the server's default database).
 *
 * Credentials come from the environment: NEO4J_USER / NEO4J_PASSWORD; when
 * NEO4J_AUTH_ENABLED is "false" no credentials are sent.
 */
public final class Neo4jCiClient {

    private Neo4jCiClient() {}

    private static AuthToken auth() {
        if ("false".equalsIgnoreCase(System.getenv().getOrDefault("NEO4J_AUTH_ENABLED", "true"))) {
            return AuthTokens.none();
        }
        String user = System.getenv().getOrDefault("NEO4J_USER", "neo4j");
        String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "evgraph-test-pw");
        return AuthTokens.basic(user, password);
    }

    private static Driver driver(String uri) {
        Config config = Config.builder()
                .withLogging(Logging.none())
                .withConnectionTimeout(5, TimeUnit.SECONDS)
                .withMaxConnectionPoolSize(1)
                .build();
        return GraphDatabase.driver(uri, auth(), config);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            usage();
        }
        switch (args[0]) {
            case "wait" -> {
                if (args.length != 4) usage();
                System.exit(waitReady(args[1], Long.parseLong(args[2]), Long.parseLong(args[3])));
            }
            case "query" -> {
                if (args.length != 4) usage();
                System.exit(query(args[1], args[2], args[3]));
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: Neo4jCiClient wait URI TIMEOUT_S PID | query URI DATABASE CYPHER");
        System.exit(64);
    }

    private static int waitReady(String uri, long timeoutSeconds, long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String last = "no attempt";
        while (true) {
            if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
                System.err.println("neo4j process " + pid + " is gone (last error: " + last + ")");
                return 1;
            }
            // no database named: the server's default database (which need not be "neo4j")
            try (Driver d = driver(uri); Session s = d.session(SessionConfig.defaultConfig())) {
                s.run("RETURN 1").consume();
                return 0;
            } catch (AuthenticationException e) {
                System.err.println("authentication failed: " + e.getMessage());
                return 2;
            } catch (SecurityException e) {
                System.err.println("security error: " + e.getMessage());
                return 2;
            } catch (RuntimeException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                System.err.println("timed out after " + timeoutSeconds + " s; last error: " + last);
                return 1;
            }
            Thread.sleep(500);
        }
    }

    private static int query(String uri, String database, String cypher) {
        SessionConfig sc = database.isEmpty() ? SessionConfig.defaultConfig() : SessionConfig.forDatabase(database);
        try (Driver d = driver(uri); Session s = d.session(sc)) {
            Result r = s.run(cypher);
            List<String> keys = r.keys();
            System.out.println(String.join("\t", keys));
            while (r.hasNext()) {
                Record rec = r.next();
                System.out.println(rec.values().stream()
                        .map(v -> v.isNull() ? "null" : String.valueOf(v.asObject()))
                        .collect(Collectors.joining("\t")));
            }
            return 0;
        } catch (RuntimeException e) {
            System.err.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }
}
