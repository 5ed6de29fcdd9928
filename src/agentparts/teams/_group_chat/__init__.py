"""Group chats: the shared run loop and one module per team type."""
