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
    // Every backend in one cargo run: shared dependencies build once and crates in parallel.
    let mut planned = Vec::new();
    for template in templates {
        let manifest = &template.manifest;
        let source = template.source.clone().ok_or_else(|| {
            Error::internal(
                format!("template {} has no source directory", manifest.name),
                "set ASYM_SOURCE_DIR",
            )
        })?;
        for (service, spec) in &manifest.services.0 {
            match &spec.package {
                Some(package) => planned.push((manifest, source.clone(), service, spec, package)),
                None => progress(&format!(
                    "{}/{service}: no package to build, skipped",
                    manifest.name
                )),
            }
        }
    }
    let packages: Vec<&str> = planned.iter().map(|p| p.4.as_str()).collect();
    if !packages.is_empty() {
        progress(&format!(
            "cargo build --release (static) -p {}",
            packages.join(" -p ")
        ));
    }
    let binaries = cargo_build(&root, &packages).await?;
    let mut built = Vec::new();
    for (manifest, source, service, spec, package) in planned {
        let binary = binaries.join(package);
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
            let info = item.map_err(|e| Error::internal(format!("building {}", spec.image), e))?;
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
    Ok(built)
}

/// Builds `packages` (static, release) in one cargo run; the directory holding their binaries.
async fn cargo_build(root: &Path, packages: &[&str]) -> Result<PathBuf> {
    let target_dir = root.join("target").join("images");
    let release = target_dir.join(TARGET).join("release");
    if packages.is_empty() {
        return Ok(release);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = tokio::process::Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "--target", TARGET])
        .args(packages.iter().flat_map(|p| ["-p", p]))
        .arg("--target-dir")
        .arg(&target_dir)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .status()
        .await
        .map_err(|e| Error::internal("running cargo", e))?;
    if !status.success() {
        return Err(Error::internal(
            format!("cargo build -p {} failed", packages.join(" -p ")),
            format!("exit status {status}"),
        ));
    }
    Ok(release)
}

fn build_context(binary: &Path, template_dir: &Path, port: u16) -> std::io::Result<Vec<u8>> {
    let dockerfile = format!(
        "FROM scratch\nCOPY backend /backend\nCOPY clone /clone\nEXPOSE {port}\nENTRYPOINT [\"/backend\"]\n"
    );
    let mut tar = tar::Builder::new(Vec::new());
    append(&mut tar, "Dockerfile", dockerfile.as_bytes(), 0o644)?;
    append(&mut tar, "backend", &std::fs::read(binary)?, 0o755)?;
    let manifest = std::fs::read(template_dir.join("clone.manifest.json"))?;
    append(&mut tar, "clone/clone.manifest.json", &manifest, 0o644)?;
    for dir in ["migrations", "seeds"] {
        let Ok(entries) = std::fs::read_dir(template_dir.join(dir)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for file in files.iter().filter(|f| f.is_file()) {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            append(
                &mut tar,
                &format!("clone/{dir}/{name}"),
                &std::fs::read(file)?,
                0o644,
            )?;
        }
    }
    tar.into_inner()
}

/// Adds a regular file with a plain ustar header (no sparse or extended entries, which
/// Docker's classic builder refuses).
fn append(
    tar: &mut tar::Builder<Vec<u8>>,
    path: &str,
    data: &[u8],
    mode: u32,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_size(data.len() as u64);
    header.set_mode(mode);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    tar.append_data(&mut header, path, data)
}
