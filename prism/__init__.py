"""PRISM: personalized Korean economic briefings for a newsroom's Django CMS."""
