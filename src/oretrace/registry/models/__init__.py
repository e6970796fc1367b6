"""Registry models, one module per concept; import them from here."""

from oretrace.registry.models.audit import AuditChainHead, AuditEntry
from oretrace.registry.models.corrections import Correction
from oretrace.registry.models.declarations import (
    Declaration,
    DeclarationProduct,
    DeclarationSmelter,
    Finding,
    StoredFile,
)
from oretrace.registry.models.organisation import (
    BusinessUnit,
    GroupCompany,
    ProductCategory,
    ReportingPeriod,
)
from oretrace.registry.models.records import LegalHold, Tombstone
from oretrace.registry.models.reference import (
    LearnedAlias,
    ReferenceName,
    ReferenceSmelter,
    ReferenceSnapshot,
    ReviewDecision,
    SmelterStatus,
)
from oretrace.registry.models.settings import OrganisationProfile
from oretrace.registry.models.supply_chain import (
    BomLine,
    Contact,
    Part,
    PartSource,
    Product,
    Supplier,
    SupplierRelationship,
)

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "BomLine",
    "BusinessUnit",
    "Contact",
    "Correction",
    "Declaration",
    "DeclarationProduct",
    "DeclarationSmelter",
    "Finding",
    "GroupCompany",
    "LearnedAlias",
    "LegalHold",
    "OrganisationProfile",
    "Part",
    "PartSource",
    "Product",
    "ProductCategory",
    "ReferenceName",
    "ReferenceSmelter",
    "ReferenceSnapshot",
    "ReportingPeriod",
    "ReviewDecision",
    "SmelterStatus",
    "StoredFile",
    "Supplier",
    "SupplierRelationship",
    "Tombstone",
]
