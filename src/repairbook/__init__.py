"""repairbook: a GraphQL API with which a car repair shop's clients book service visits."""
