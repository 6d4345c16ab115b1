// Placeholder until the server lands.
import CLinux
