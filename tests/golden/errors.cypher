// Each error stops the script, so this file holds one.
MATCH (n) RETURN m;
