"""The auditors' report: what every tenant gets, which controls pass, and who may read whose data."""
