//! Rebuilds the binary when the files it embeds for `fanzha init` change.

fn main() {
    for path in [
        "src/scaffold",
        "themes/default",
        "config.toml",
        "static",
        "sass",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
}
