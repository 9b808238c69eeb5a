print("seed: not written yet")
