//! API field names and their columns: `addedToCycleAt` is stored as `added_to_cycle_at`.

/// The column of an API field, in snake case: `addedToCycleAt` is `added_to_cycle_at`.
pub(crate) fn column(field: &str) -> String {
    let mut column = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            column.push('_');
            column.push(c.to_ascii_lowercase());
        } else {
            column.push(c);
        }
    }
    column
}

/// A column's field name (`ends_at` → `endsAt`).
pub(crate) fn camel(column: &str) -> String {
    let mut field = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                field.extend(c.to_uppercase());
                upper = false;
            }
            c => field.push(c),
        }
    }
    field
}
