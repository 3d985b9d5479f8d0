INSERT INTO accelerators (
    id, vendor, name,
    memory_gb, memory_source, memory_citation,
    peak_dense_bf16_tflops, peak_source, peak_citation,
    board_power_w, power_source, power_citation
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
