# Danish for issue 12, "The audit trail" (the hash chain's fields on the audit event);
# scripts/fill-po reads DA.
DA = {
    "sequence number": "løbenummer",
    "chain hash": "kædehash",
}
