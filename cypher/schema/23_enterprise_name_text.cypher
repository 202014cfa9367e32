CREATE TEXT INDEX enterprise_name IF NOT EXISTS FOR (n:Enterprise) ON (n.name)
