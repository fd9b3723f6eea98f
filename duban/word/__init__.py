"""Word documents: the round's bulletin (通报) in the official GB/T 9704-2012 look."""
