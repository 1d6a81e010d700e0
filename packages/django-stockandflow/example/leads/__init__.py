"""Sales leads that cool from hot to warm to cold unless someone calls them: the example's app."""
