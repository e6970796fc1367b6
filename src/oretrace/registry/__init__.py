"""The registry: declarations, supply chain, reference smelters and the audit log, in Django."""
