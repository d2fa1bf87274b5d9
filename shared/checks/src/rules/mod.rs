//! Check items written as declared expectations over schema fields (see
//! `cspm_assets::schema` and [`crate::expect`]), one module per product group.

pub(crate) mod compute;
pub(crate) mod database;
pub(crate) mod network;
pub(crate) mod storage;

use crate::expect::Expect::Present;
use crate::item::*;
use cspm_assets::Asset;

/// `Check` that evaluates with code: the metadata of `declare`, the evaluation of `eval`.
#[allow(clippy::too_many_arguments)]
pub(crate) const fn coded(
    id: &'static str,
    name: &'static str,
    product: &'static str,
    kind: &'static str,
    category: Category,
    risk: Risk,
    params: &'static [ParamSpec],
    eval: fn(&Asset, &Context) -> Evaluation,
    description: &'static str,
    solution: &'static str,
) -> Check {
    let declared = declare(id, name, product, kind, category, risk, Present(""), description, solution);
    let mut meta = declared.meta;
    meta.params = params;
    Check { meta, eval: Eval::Code(eval) }
}
