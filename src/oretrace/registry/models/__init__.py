"""Registry models, one module per concept; import them from here."""

from oretrace.registry.models.audit import AuditEntry
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
from oretrace.registry.models.reference import (
    LearnedAlias,
    ReferenceName,
    ReferenceSmelter,
    ReferenceSnapshot,
    ReviewDecision,
    SmelterStatus,
)
from oretrace.registry.models.rejections import RejectedFile
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
    "AuditEntry",
    "BomLine",
    "BusinessUnit",
    "Contact",
    "Declaration",
    "DeclarationProduct",
    "DeclarationSmelter",
    "Finding",
    "GroupCompany",
    "LearnedAlias",
    "OrganisationProfile",
    "Part",
    "PartSource",
    "Product",
    "ProductCategory",
    "ReferenceName",
    "ReferenceSmelter",
    "ReferenceSnapshot",
    "RejectedFile",
    "ReportingPeriod",
    "ReviewDecision",
    "SmelterStatus",
    "StoredFile",
    "Supplier",
    "SupplierRelationship",
]
