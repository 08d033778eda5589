"""Platform emulators: fake chat services on loopback that the real SDKs talk to."""
