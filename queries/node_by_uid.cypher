// name: node_by_uid
// question: What labels and properties does the node with this uid have (e.g. policy:3, provision:12, agency:市经信局)?
// params: $uid (string) the node's uid, e.g. policy:3
// mode: read
MATCH (n {uid: $uid})
RETURN labels(n) AS labels, properties(n) AS props
