-- What a data source template holds, as a request gives it, so that `template` on
-- `POST /v1/pages` and `PATCH /v1/pages/{id}` can apply it: its property values
-- (`{"Name or id": value}`, the shape of a create body's `properties`) and its blocks
-- (the shape of a create body's `children`). Seeds fill them.
ALTER TABLE data_source_templates ADD COLUMN properties jsonb NOT NULL DEFAULT '{}';
ALTER TABLE data_source_templates ADD COLUMN content jsonb NOT NULL DEFAULT '[]';
