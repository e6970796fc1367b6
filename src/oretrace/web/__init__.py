"""The staff web application (and, later, the supplier portal): thin views over registry
services, server-rendered templates with htmx, one module per page type in ``views/``."""
