MATCH (n:Agency {name: $name}) SET n.note = 'x'
