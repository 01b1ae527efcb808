# mechanisms/eccsi: (fragment owned by the eccsi family)
