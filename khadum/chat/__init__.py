"""The private chat between a client and a freelancer."""
