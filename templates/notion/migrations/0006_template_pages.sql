-- Notion's data source templates are pages ("Templates are also valid Notion pages, so you
-- can retrieve a template's full properties and content using the Retrieve a page API"):
-- each template is also a page of its data source, with the id of its
-- `data_source_templates` row, that `GET /v1/pages/{id}`, its blocks and its markdown
-- answer, and that data source queries and search leave out.
ALTER TABLE pages ADD COLUMN is_template boolean NOT NULL DEFAULT false;
