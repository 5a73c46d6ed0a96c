//! `asym images build`: clone images from source, as static binaries in `FROM scratch` images.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bollard::query_parameters::BuildImageOptions;
use futures_util::StreamExt;

use crate::catalog::{Catalog, Template, source_root};
use crate::docker::Docker;
use crate::error::{Error, Result};

const TARGET: &str = "x86_64-unknown-linux-gnu";

/// An image `build_images` produced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuiltImage {
    /// Template.
    pub template: String,
    /// Service.
    pub service: String,
    /// Tag applied.
    pub image: String,
    /// Content digest.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
}

/// Builds the images of `names` (every template when empty) from the source checkout:
/// `cargo build --release --target x86_64-unknown-linux-gnu` with `+crt-static` into
/// `target/images`, then a `FROM scratch` image holding the binary and `/clone` (manifest,
/// migrations, fixtures). `progress` receives one line per step.
///
/// # Errors
/// `TEMPLATE_NOT_FOUND`, `DOCKER_UNAVAILABLE`, and `Internal` when there is no source checkout or
/// cargo or the image build fails.
pub async fn build_images(
    catalog: &Catalog,
    names: &[String],
    mut progress: impl FnMut(&str),
) -> Result<Vec<BuiltImage>> {
    let templates: Vec<&Template> = if names.is_empty() {
        catalog.templates().iter().collect()
    } else {
        names
            .iter()
            .map(|n| catalog.get(n))
            .collect::<Result<_>>()?
    };
    let root = source_root().ok_or_else(|| {
        Error::internal(
            "building images needs the asym source checkout",
            "set ASYM_SOURCE_DIR to it",
        )
    })?;
    let docker = Docker::connect().await?;
    let mut built = Vec::new();
    for template in templates {
        let manifest = &template.manifest;
        let source = template.source.clone().ok_or_else(|| {
            Error::internal(
                format!("template {} has no source directory", manifest.name),
                "set ASYM_SOURCE_DIR",
            )
        })?;
        for (service, spec) in &manifest.services.0 {
            let Some(package) = &spec.package else {
                progress(&format!(
                    "{}/{service}: no package to build, skipped",
                    manifest.name
                ));
                continue;
            };
            progress(&format!(
                "{}/{service}: cargo build -p {package} (static)",
                manifest.name
            ));
            let binary = cargo_build(&root, package).await?;
            progress(&format!(
                "{}/{service}: docker build {}",
                manifest.name, spec.image
            ));
            let context = build_context(&binary, &source, spec.port)
                .map_err(|e| Error::internal("packing the image build context", e))?;
            let options = BuildImageOptions {
                t: Some(spec.image.clone()),
                rm: true,
                forcerm: true,
                labels: Some(HashMap::from([
                    ("dev.asym.template".to_owned(), manifest.name.clone()),
                    ("dev.asym.service".to_owned(), service.clone()),
                ])),
                ..Default::default()
            };
            let mut stream =
                docker
                    .api
                    .build_image(options, None, Some(bollard::body_full(context.into())));
            while let Some(item) = stream.next().await {
                let info =
                    item.map_err(|e| Error::internal(format!("building {}", spec.image), e))?;
                if let Some(detail) = info.error_detail.and_then(|d| d.message) {
                    return Err(Error::internal(format!("building {}", spec.image), detail));
                }
            }
            let inspected = docker
                .api
                .inspect_image(&spec.image)
                .await
                .map_err(|e| Error::internal(format!("inspecting {}", spec.image), e))?;
            built.push(BuiltImage {
                template: manifest.name.clone(),
                service: service.clone(),
                image: spec.image.clone(),
                digest: inspected.id.unwrap_or_default(),
                size: inspected
                    .size
                    .and_then(|s| u64::try_from(s).ok())
                    .unwrap_or(0),
            });
        }
    }
    Ok(built)
}

async fn cargo_build(root: &Path, package: &str) -> Result<PathBuf> {
    let target_dir = root.join("target").join("images");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = tokio::process::Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--target",
            TARGET,
            "-p",
            package,
            "--target-dir",
        ])
        .arg(&target_dir)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .status()
        .await
        .map_err(|e| Error::internal("running cargo", e))?;
    if !status.success() {
        return Err(Error::internal(
            format!("cargo build -p {package} failed"),
            format!("exit status {status}"),
        ));
    }
    Ok(target_dir.join(TARGET).join("release").join(package))
}

fn build_context(binary: &Path, template_dir: &Path, port: u16) -> std::io::Result<Vec<u8>> {
    let dockerfile = format!(
        "FROM scratch\nCOPY backend /backend\nCOPY clone /clone\nEXPOSE {port}\nENTRYPOINT [\"/backend\"]\n"
    );
    let mut tar = tar::Builder::new(Vec::new());
    tar.mode(tar::HeaderMode::Deterministic);
    let mut header = tar::Header::new_gnu();
    header.set_size(dockerfile.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "Dockerfile", dockerfile.as_bytes())?;
    tar.append_path_with_name(binary, "backend")?;
    tar.append_path_with_name(
        template_dir.join("clone.manifest.json"),
        "clone/clone.manifest.json",
    )?;
    for dir in ["migrations", "seeds"] {
        let path = template_dir.join(dir);
        if path.is_dir() {
            tar.append_dir_all(format!("clone/{dir}"), path)?;
        }
    }
    tar.into_inner()
}
