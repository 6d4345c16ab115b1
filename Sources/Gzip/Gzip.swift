// Placeholder until the gzip codec lands.
import CZlib
