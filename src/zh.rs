//! Chinese formatting every renderer shares: money lost as people say it, file sizes.

/// Money lost, as a case reads it: `3000元`, `3.8万元`, or 及时止损 when nothing was lost.
pub fn loss_text(yuan: u64) -> String {
    if yuan == 0 {
        return "及时止损，未造成损失".into();
    }
    if yuan < 10_000 {
        return format!("{yuan}元");
    }
    let wan = format!("{:.2}", yuan as f64 / 10_000.0);
    let wan = wan.trim_end_matches('0').trim_end_matches('.');
    format!("{wan}万元")
}

/// File sizes as people read them: `36 KB`, `1.2 MB`.
pub fn bytes_text(n: usize) -> String {
    if n < 1024 * 1024 {
        format!("{} KB", n.div_ceil(1024))
    } else {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_naturally() {
        assert_eq!(loss_text(0), "及时止损，未造成损失");
        assert_eq!(loss_text(3360), "3360元");
        assert_eq!(loss_text(26800), "2.68万元");
        assert_eq!(loss_text(385000), "38.5万元");
        assert_eq!(loss_text(480000), "48万元");
    }
}
