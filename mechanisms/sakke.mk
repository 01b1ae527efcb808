# mechanisms/sakke: (fragment owned by the sakke family)
