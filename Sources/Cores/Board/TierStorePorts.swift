/// The names of the memory-tier controller's ports that a node top carries: its backing-store
/// ports per tier (after `<tier>_` on `tierController`, after `tier_<tier>_` on the node,
/// `node<i>_<tier>_` on the board) and its request port (between it and its PCIe function).
public enum TierStorePorts {
  /// The tiers in code order (TIER 0, 1, 2).
  public static let tiers = ["dram", "flash", "disk"]
  /// Into the controller from a store: the request path's port, then the DMA engine's channels.
  public static let inputs = ["req_ready", "wdata_ready", "rsp_valid", "rsp_data", "rsp_last", "rsp_error",
                              "rd_req_ready", "rd_data_valid", "rd_data", "rd_data_last", "rd_data_error",
                              "wr_req_ready", "wr_data_ready", "wr_ack_valid", "wr_ack_error"]
  /// Out of the controller to a store.
  public static let outputs = ["req_valid", "req_write", "req_frame", "req_word", "req_beats", "wdata_valid", "wdata_data", "wdata_strobe",
                               "rsp_ready", "rd_req_valid", "rd_req_frame", "rd_req_beats", "rd_data_ready",
                               "wr_req_valid", "wr_req_frame", "wr_req_beats", "wr_data_valid", "wr_data", "wr_data_strobe", "wr_ack_ready"]
  /// The request port between the PCIe function (`tierPCIeFunction`) and the controller.
  public static let requestPort = (fromFunction: ["req_valid", "req_write", "req_address", "req_beats", "wdata_valid", "wdata_data",
                                                  "wdata_strobe", "rsp_ready"],
                                   toFunction: ["req_ready", "wdata_ready", "rsp_valid", "rsp_data", "rsp_last", "rsp_status"])
}
