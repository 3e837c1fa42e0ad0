//! A stateful in-process Capillary for tests and demos (feature `sandbox`).
