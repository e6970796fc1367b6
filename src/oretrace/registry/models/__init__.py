"""Registry models, one module per concept; import them from here."""

from oretrace.registry.models.actions import CorrectiveAction
from oretrace.registry.models.audit import AuditChainHead, AuditEntry
from oretrace.registry.models.cache import AssessmentCache, DataVersion
from oretrace.registry.models.campaigns import (
    Campaign,
    OutboxMessage,
    PolicyAcknowledgement,
    PortalSubmission,
    SupplierAccess,
    SupplierRequest,
)
from oretrace.registry.models.corrections import Correction
from oretrace.registry.models.declarations import (
    Declaration,
    DeclarationProduct,
    DeclarationSmelter,
    Finding,
    StoredFile,
)
from oretrace.registry.models.jobs import Job
from oretrace.registry.models.organisation import (
    BusinessUnit,
    GroupCompany,
    ProductCategory,
    ReportingPeriod,
)
from oretrace.registry.models.people import StaffRole
from oretrace.registry.models.portal import PortalAttempt
from oretrace.registry.models.records import LegalHold, Tombstone
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
    "AssessmentCache",
    "AuditChainHead",
    "AuditEntry",
    "BomLine",
    "BusinessUnit",
    "Campaign",
    "Contact",
    "Correction",
    "DataVersion",
    "CorrectiveAction",
    "Declaration",
    "DeclarationProduct",
    "DeclarationSmelter",
    "Finding",
    "GroupCompany",
    "Job",
    "LearnedAlias",
    "LegalHold",
    "OrganisationProfile",
    "OutboxMessage",
    "Part",
    "PartSource",
    "PolicyAcknowledgement",
    "PortalAttempt",
    "PortalSubmission",
    "Product",
    "ProductCategory",
    "ReferenceName",
    "ReferenceSmelter",
    "ReferenceSnapshot",
    "RejectedFile",
    "ReportingPeriod",
    "ReviewDecision",
    "SmelterStatus",
    "StaffRole",
    "StoredFile",
    "Supplier",
    "SupplierAccess",
    "SupplierRelationship",
    "SupplierRequest",
    "Tombstone",
]
