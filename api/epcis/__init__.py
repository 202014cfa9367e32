"""The EPCIS 2.0 REST binding (contract/EPCIS.md): routes.py; its errors, problems.py."""
