"""Every write PRISM makes: one typed function per action."""
