"""Where each APIM rule comes from: Microsoft's pages (current and earlier editions), the public issues that
reported an import failure, and the parser APIM imports with. One key per source, cited by rules and by the
restrictions table, so that an address is written once."""

from __future__ import annotations

_DOCS_REPO = "https://github.com/MicrosoftDocs/azure-docs/blob"
_RESTRICTIONS_MD = "articles/api-management/api-management-api-import-restrictions.md"

SOURCES: dict[str, str] = {
    # Microsoft's "API import restrictions and known issues" page: current, and two earlier editions
    "D1": "https://learn.microsoft.com/azure/api-management/api-management-api-import-restrictions",
    "D1-zh": "https://docs.azure.cn/zh-cn/api-management/api-management-api-import-restrictions",
    "D2": f"{_DOCS_REPO}/01f6c17344aaa0c930274f4b11e2b207f00bc3e3/{_RESTRICTIONS_MD}",
    "D3": f"{_DOCS_REPO}/e63e99a0eb737b86e3115396ba4db231c56d7372/{_RESTRICTIONS_MD}",
    "D4": "https://learn.microsoft.com/azure/api-management/azure-openai-api-from-specification",
    "LIMITS": "https://learn.microsoft.com/azure/api-management/service-limits",
    "QA-BASICV2": "https://learn.microsoft.com/answers/questions/5859937/"
                  "azure-api-management-gateway-basicv2-api-operation",
    # reported import failures
    "I1": "https://github.com/Azure/azure-rest-api-specs/issues/35062",
    "I2": "https://github.com/MicrosoftDocs/azure-docs/issues/123982",
    "I3": "https://github.com/MicrosoftDocs/azure-docs/issues/119506",
    "I4": "https://github.com/MicrosoftDocs/azure-docs/issues/105288",
    "I5": "https://github.com/Azure/api-management-developer-portal/issues/294",
    "I7": "https://github.com/lvbag/BAG-API/issues/8",
    "I8": "https://github.com/Azure/azure-openapi-validator/issues/228",
    "I9": "https://github.com/Azure/azure-cli/issues/29405",
    "I10a": "https://github.com/Azure-Samples/openai-python-enterprise-logging/issues/1",
    "I10c": "https://github.com/Azure-Samples/openai-python-enterprise-logging/issues/17",
    "I11": "https://github.com/MicrosoftDocs/azure-docs/pull/124088",
    "I12": "https://github.com/hashicorp/terraform-provider-azurerm/issues/24559",
    "I13": "https://github.com/Azure/apim-lab/issues/129",
    "I14": "https://github.com/stephaneey/azure-apim-extension/issues/62",
    "I15": "https://github.com/Azure/azure-sdk-for-net/issues/4249",
    "I16": "https://github.com/MicrosoftDocs/azure-docs/pull/122244",
    "I17": "https://github.com/MicrosoftDocs/azure-docs/issues/120646",
    # the parser APIM imports with, and the standards
    "C1": "https://github.com/microsoft/OpenAPI.NET/tree/1.6.31/src/Microsoft.OpenApi.Readers",
    "C1-rules": "https://github.com/microsoft/OpenAPI.NET/tree/1.6.31/src/Microsoft.OpenApi/Validations/Rules",
    "OAS303": "https://spec.openapis.org/oas/v3.0.3",
    "RFC8259": "https://www.rfc-editor.org/rfc/rfc8259#section-8.1",
    # in this repository: the catalog (opt-in headers of the v1 preview paths) and APIM's own exports
    "CATALOG": "specs/catalog.json",
    "EXPORTS": "specs/archive/azure-openai-apim-exported",
}


def address(*keys: str) -> str:
    """The addresses of one or more sources, joined for a rule's `address` field."""
    return " ; ".join(SOURCES[k] for k in keys)
