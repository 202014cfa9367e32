// Test suite only: one record of about 7 * $n bytes (a list of $n short strings), as a large recall's answer is.
RETURN [x IN range(1, $n) | toString(x)] AS items
