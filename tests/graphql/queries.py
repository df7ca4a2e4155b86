"""GraphQL documents shared by the API tests."""

JOB_FIELDS = (
    "id method orderId hours windowStart windowEnd status fetched imported skipped errorCode error startedAt finishedAt"
    " skippedPending skippedAccepted skippedInTransactionList skippedCanceled"
)
ORDER_FIELDS = """
  id orderId orderNumber status paymentStatus placedAt importedAt decidedAt cancelReason raw
  buyer { name email } total { amount currencyCode }
  lineItems { sku name quantity unitPrice { amount currencyCode } total { amount currencyCode } }
  store { id name } platform { id } job { id method } transaction { id source }
"""

IMPORT_ORDERS = f"""
mutation($platform: String!, $store: ID!, $orderId: String, $hours: Int) {{
  importOrders(platform: $platform, store: $store, orderId: $orderId, hours: $hours) {{
    job {{ {JOB_FIELDS} }}
    userErrors {{ code message field }}
  }}
}}
"""

ACCEPT = f"""
mutation($id: ID!) {{
  acceptImport(id: $id) {{
    importedOrder {{ {ORDER_FIELDS} }}
    transaction {{
      id orderId orderNumber status source total {{ amount currencyCode }} store {{ id }} platform {{ id }}
    }}
    userErrors {{ code message field }}
  }}
}}
"""

CANCEL = f"""
mutation($id: ID!, $reason: String) {{
  cancelImport(id: $id, reason: $reason) {{
    importedOrder {{ {ORDER_FIELDS} }}
    userErrors {{ code message field }}
  }}
}}
"""

PENDING = f"""
query($platform: String, $store: ID, $first: Int, $after: String) {{
  pendingImports(platform: $platform, store: $store, first: $first, after: $after) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ {ORDER_FIELDS} }} }}
  }}
}}
"""

TRANSACTIONS = """
query($platform: String, $store: ID, $search: String, $first: Int, $after: String) {
  transactions(platform: $platform, store: $store, search: $search, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id orderId orderNumber status source buyer { email } total { amount currencyCode } } }
  }
}
"""

IMPORTED_ORDER = f"query($id: ID!) {{ importedOrder(id: $id) {{ {ORDER_FIELDS} }} }}"
IMPORT_JOB = f"query($id: ID!) {{ importJob(id: $id) {{ {JOB_FIELDS} store {{ id }} }} }}"

PENDING_EVENTS = """
subscription($platform: String, $store: ID) {
  pendingImports(platform: $platform, store: $store) { change order { id orderNumber status } }
}
"""
JOB_EVENTS = "subscription($id: ID!) { importJob(id: $id) { id status fetched imported skipped errorCode } }"

IMPORT_JOBS = f"""
query($platform: String, $store: ID, $first: Int, $after: String) {{
  importJobs(platform: $platform, store: $store, first: $first, after: $after) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ {JOB_FIELDS} store {{ id }} }} }}
  }}
}}
"""

STORE_FIELDS = "id name apiBaseUrl connected createdAt platform { id }"
STORES = f"""
query($platform: String, $includeDisconnected: Boolean) {{
  stores(platform: $platform, includeDisconnected: $includeDisconnected) {{ {STORE_FIELDS} }}
}}
"""
UPDATE_STORE = f"""
mutation($id: ID!, $name: String, $credentials: JSON, $apiBaseUrl: String) {{
  updateStore(id: $id, name: $name, credentials: $credentials, apiBaseUrl: $apiBaseUrl) {{
    store {{ {STORE_FIELDS} }}
    userErrors {{ code message field }}
  }}
}}
"""
DISCONNECT_STORE = f"""
mutation($id: ID!) {{
  disconnectStore(id: $id) {{ store {{ {STORE_FIELDS} }} userErrors {{ code message field }} }}
}}
"""

ALERT_FIELDS = "id at kind message readAt clearedAt store { id name } job { id } transaction { id }"
ALERTS = f"""
query($unreadOnly: Boolean, $first: Int, $after: String) {{
  alerts(unreadOnly: $unreadOnly, first: $first, after: $after) {{
    edges {{ cursor node {{ {ALERT_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
    totalCount
  }}
  unreadAlertCount
}}
"""
MARK_ALERTS_READ = "mutation($ids: [ID!]) { markAlertsRead(ids: $ids) { marked userErrors { code message field } } }"
ALERT_EVENTS = f"subscription {{ alerts {{ {ALERT_FIELDS} }} }}"
SET_ALERT_WEBHOOK = (
    "mutation($url: String) { setAlertWebhook(url: $url) { url secret userErrors { code message field } } }"
)
ALERT_WEBHOOK = "{ alertWebhook { url createdAt } }"

CHANGE_FIELDS = "detectedAt source paymentStatus platformStatus canceled total { amount currencyCode } summary"
PLATFORM_CHANGES = f"""
query($store: ID) {{
  transactions(store: $store) {{
    edges {{ node {{ id orderId orderNumber paymentStatus total {{ amount currencyCode }}
      platformChanges {{ {CHANGE_FIELDS} }} }} }}
  }}
}}
"""
