"""The AOI status board: one layer per connection, one feature per AOI, kept current by one poller."""
