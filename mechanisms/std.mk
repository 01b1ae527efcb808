# mechanisms/std: (fragment owned by the std family)
