// name: biomarkers_for_cancer
// description: EV biomarker claims for a cancer, optionally in one body fluid: supported claims first, then by metric (AUC, sensitivity, specificity, accuracy, hazard ratio, p-value, others), best reported performance first within a metric (highest AUC, sensitivity, specificity, accuracy; hazard ratio furthest from 1; smallest p-value); negative and disputed claims are listed with their status.
// param cancer: id<Cancer> = "MONDO:0009831"   cancer (MONDO id; pancreatic cancer)
// param fluid: id<BodyFluid>? = null           body fluid (UBERON id), or null for all
// param metric: string? = null                 e.g. AUC, sensitivity; null for all
// example: evgraph db query biomarkers_for_cancer --param cancer=GBM --param metric=AUC
MATCH (b:BiomarkerClaim)-[:IN_CONTEXT_OF]->(:Cancer {id: $cancer})
MATCH (b)-[:IN_FLUID]->(u:BodyFluid)
WHERE ($fluid IS NULL OR u.id = $fluid) AND ($metric IS NULL OR b.metric = $metric)
MATCH (b)-[:MEASURES]->(x)
RETURN b.id AS claim, collect(x.name) AS cargo, u.name AS fluid, b.use AS use, b.metric AS metric,
       b.value AS value, b.cohort_size AS cohort_size, b.status AS status, b.pmids AS pmids
ORDER BY CASE status WHEN 'supported' THEN 0 ELSE 1 END,
         CASE metric WHEN 'AUC' THEN 0 WHEN 'sensitivity' THEN 1 WHEN 'specificity' THEN 2 WHEN 'accuracy' THEN 3
                     WHEN 'HR' THEN 4 WHEN 'p_value' THEN 5 ELSE 6 END, metric,
         value IS NULL,
         CASE WHEN metric = 'p_value' THEN value
              WHEN metric = 'HR' AND value > 0 AND value < 1 THEN -1.0 / value
              ELSE -value END,
         claim
