//! `asym images build`: clone images from source, as static binaries in `FROM scratch` images;
//! and the same build on first use, when a clone's image is neither local nor pullable.

use std::collections::HashMap;
use std::os::fd::AsFd as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

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
/// migrations, fixtures). `tag`, when given, replaces the manifests' tags (`asym/slack-backend:ab`
/// beside the pinned `:0.1.0`, e.g. to compare two sources' images without replacing the one
/// clones run). `progress` receives one line per step.
///
/// # Errors
/// `NAME_INVALID` for a `tag` that is not 1-63 of `[A-Za-z0-9._-]`, `TEMPLATE_NOT_FOUND`,
/// `DOCKER_UNAVAILABLE`, and `Internal` when there is no source checkout or cargo or the image
/// build fails.
pub async fn build_images(
    catalog: &Catalog,
    names: &[String],
    tag: Option<&str>,
    mut progress: impl FnMut(&str),
) -> Result<Vec<BuiltImage>> {
    if let Some(tag) = tag {
        Error::check_name("--tag", tag)?;
    }
    let templates: Vec<&Template> = if names.is_empty() {
        catalog.templates()?
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
        let image = tag.map_or_else(|| spec.image.clone(), |tag| retagged(&spec.image, tag));
        progress(&format!(
            "{}/{service}: docker build {image}",
            manifest.name
        ));
        let context = build_context(&binary, &source, spec.port)
            .map_err(|e| Error::internal("packing the image build context", e))?;
        let options = BuildImageOptions {
            t: Some(image.clone()),
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
            let info = item.map_err(|e| Error::internal(format!("building {image}"), e))?;
            if let Some(detail) = info.error_detail.and_then(|d| d.message) {
                return Err(Error::internal(format!("building {image}"), detail));
            }
        }
        let inspected = docker
            .api
            .inspect_image(&image)
            .await
            .map_err(|e| Error::internal(format!("inspecting {image}"), e))?;
        built.push(BuiltImage {
            template: manifest.name.clone(),
            service: service.clone(),
            image,
            digest: inspected.id.unwrap_or_default(),
            size: inspected
                .size
                .and_then(|s| u64::try_from(s).ok())
                .unwrap_or(0),
        });
    }
    Ok(built)
}

/// `image` (`repo[:tag]`, the repository possibly `host:port/…`) with its tag replaced by `tag`.
fn retagged(image: &str, tag: &str) -> String {
    let repository = match image.rfind(':') {
        Some(colon) if !image[colon..].contains('/') => &image[..colon],
        _ => image,
    };
    format!("{repository}:{tag}")
}

/// Whether a missing clone image may be built from source on first use: yes unless
/// `ASYM_BUILD=never` (CI that must run pinned or pulled images only).
pub(crate) fn build_on_first_use_allowed() -> bool {
    std::env::var("ASYM_BUILD").map_or(true, |v| v != "never")
}

/// The digest of `template`'s API image `image`, built from the source checkout the engine
/// was compiled from when it is missing: once per machine, under a lock in the machine
/// directory, so processes arriving meanwhile wait and then find it built. Progress goes to
/// stderr (cargo's own output included).
///
/// # Errors
/// `IMAGE_UNAVAILABLE` when `ASYM_BUILD=never`, and what [`build_images`] returns.
pub(crate) async fn build_on_first_use(
    catalog: &Catalog,
    docker: &Docker,
    template: &str,
    image: &str,
) -> Result<String> {
    if !build_on_first_use_allowed() {
        return Err(Error::ImageUnavailable {
            image: image.to_owned(),
            build: format!("asym images build {template}"),
        });
    }
    let lock_path = crate::ports::machine_dir().join(format!("build-{template}.lock"));
    let lock = tokio::task::spawn_blocking(move || lock_machine_wide(&lock_path))
        .await
        .map_err(|e| Error::internal("waiting for the image build lock", e))??;
    if let Some(digest) = docker.image_digest(image).await? {
        return Ok(digest);
    }
    let started = Instant::now();
    say(&format!(
        "building the {template} clone image from source, once per machine (a release build: a minute or more)"
    ));
    build_images(catalog, &[template.to_owned()], None, say).await?;
    let digest = docker
        .image_digest(image)
        .await?
        .ok_or_else(|| Error::internal(format!("building {image}"), "the build did not tag it"))?;
    say(&format!(
        "built the {template} clone image {image} in {} s",
        started.elapsed().as_secs()
    ));
    drop(lock);
    Ok(digest)
}

/// The recipe for the Postgres and Redis stand-ins (Debian packages in a trimmed rootfs).
const STAND_INS_RECIPE: &str = include_str!("../recipes/offline-images.sh");

/// Builds the stand-ins for the official Postgres and Redis images from Debian packages
/// (`recipes/offline-images.sh`, run as root), once per machine under a machine-wide lock, for
/// machines where neither image is local and no registry answers. Progress goes to stderr.
///
/// # Errors
/// `IMAGE_UNAVAILABLE` (`missing`) when `ASYM_BUILD=never`; `Internal` when the recipe fails.
pub(crate) async fn build_stand_ins(missing: &str, hint: &str) -> Result<()> {
    if !build_on_first_use_allowed() {
        return Err(Error::ImageUnavailable {
            image: missing.to_owned(),
            build: hint.to_owned(),
        });
    }
    let lock_path = crate::ports::machine_dir().join("build-infra.lock");
    let lock = tokio::task::spawn_blocking(move || lock_machine_wide(&lock_path))
        .await
        .map_err(|e| Error::internal("waiting for the image build lock", e))??;
    say(&format!(
        "{missing} is not on this machine and no registry answers; building Postgres and Redis stand-ins from Debian packages, once per machine (a few minutes)"
    ));
    let started = Instant::now();
    let fail = |e: std::io::Error| Error::internal("running the stand-in recipe", e);
    // Written beside the lock, which this process holds.
    let script = crate::ports::machine_dir().join("offline-images.sh");
    std::fs::write(&script, STAND_INS_RECIPE).map_err(fail)?;
    let to_stderr = std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map_err(fail)?;
    let status = tokio::process::Command::new("bash")
        .arg(&script)
        .stdout(std::process::Stdio::from(to_stderr))
        .status()
        .await
        .map_err(fail)?;
    if !status.success() {
        return Err(Error::internal(
            "building the Postgres and Redis stand-ins",
            format!("the recipe exited with {status} (it needs root, apt and a Debian mirror)"),
        ));
    }
    say(&format!(
        "built the Postgres and Redis stand-ins in {} s",
        started.elapsed().as_secs()
    ));
    drop(lock);
    Ok(())
}

/// Writes `asym: <line>` to stderr directly, so a test harness that captures `eprintln!`
/// still shows a build that makes its test wait.
pub fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "asym: {line}");
}

/// Takes the machine-wide lock at `path`, telling stderr when another process holds it.
fn lock_machine_wide(path: &Path) -> Result<std::fs::File> {
    let fail = |e: std::io::Error| Error::internal(format!("locking {}", path.display()), e);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(fail)?;
    if file.try_lock().is_err() {
        say(&format!(
            "another process is building this image; waiting for it ({})",
            path.display()
        ));
        file.lock().map_err(fail)?;
    }
    Ok(file)
}

/// Builds `packages` (static, release) in one cargo run; the directory holding their binaries.
/// The cargo output goes to `ASYM_IMAGES_TARGET_DIR`, else `<source>/target/images`.
async fn cargo_build(root: &Path, packages: &[&str]) -> Result<PathBuf> {
    let target_dir = std::env::var_os("ASYM_IMAGES_TARGET_DIR")
        .map_or_else(|| root.join("target").join("images"), PathBuf::from);
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

#[cfg(test)]
mod tests {
    use super::retagged;

    #[test]
    fn retagging_replaces_only_the_tag() {
        assert_eq!(
            retagged("asym/slack-backend:0.1.0", "ab"),
            "asym/slack-backend:ab"
        );
        assert_eq!(
            retagged("asym/slack-backend", "ab"),
            "asym/slack-backend:ab"
        );
        assert_eq!(
            retagged("localhost:5000/asym/slack-backend", "ab"),
            "localhost:5000/asym/slack-backend:ab"
        );
        assert_eq!(
            retagged("localhost:5000/asym/slack-backend:0.1.0", "ab"),
            "localhost:5000/asym/slack-backend:ab"
        );
    }
}
