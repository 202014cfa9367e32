// Test suite only: an Enterprise node written without the import (and so without its uniqueness check).
CREATE (:Enterprise {id: $id, name: $id})
