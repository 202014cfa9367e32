"""Risk early warning and rapid response (contract/risk.graphql): signals, assessment, warnings, port control,
recalls and warning evaluation, one module each."""
