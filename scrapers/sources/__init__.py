"""One module per source. Each defines ``SOURCE``; scrapers.registry finds them all."""
