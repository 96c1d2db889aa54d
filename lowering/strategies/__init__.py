"""Op-specific lowering strategies: linalg ops emitted as scheduled affine nests."""
