"""The floor over the domain: what the API routes and the pages share (the API kit, page
helpers, the form bases that generate a page form from an act's command). Views and routes
import it; domain modules never do (import-linter keeps it so)."""
