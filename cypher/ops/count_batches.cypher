// How many batches the database holds: bench/profile_split.py tells from it whether the bench instance already
// holds the data set it profiles (the count store answers it without reading a node).
MATCH (b:Batch)
RETURN count(b) AS batches
