# pragma version ~=0.4.3
# pragma evm-version cancun
"""
@title AuditAnchor
@notice Holds the Merkle roots of TrustPay's payment-log batches. Only the owner (the
        deployer) writes; a root, once written, can never be changed or written again.
"""

struct Anchor:
    first_entry: uint256
    entry_count: uint256
    block_number: uint256


event Anchored:
    root: indexed(bytes32)
    first_entry: uint256
    entry_count: uint256
    block_number: uint256


owner: public(immutable(address))
anchors: HashMap[bytes32, Anchor]


@deploy
def __init__():
    owner = msg.sender


@external
def anchor(root: bytes32, first_entry: uint256, entry_count: uint256):
    """
    @notice Record `root` as the Merkle root of `entry_count` entries starting at `first_entry`.
    """
    assert msg.sender == owner, "AuditAnchor: caller is not the owner"
    assert root != empty(bytes32), "AuditAnchor: root is zero"
    assert entry_count != 0, "AuditAnchor: entry count is zero"
    assert self.anchors[root].entry_count == 0, "AuditAnchor: root already anchored"
    self.anchors[root] = Anchor(
        first_entry=first_entry, entry_count=entry_count, block_number=block.number
    )
    log Anchored(
        root=root, first_entry=first_entry, entry_count=entry_count, block_number=block.number
    )


@view
@external
def lookup(root: bytes32) -> (uint256, uint256, uint256):
    """
    @notice (first_entry, entry_count, block_number) for `root`; all zero when never anchored.
    """
    found: Anchor = self.anchors[root]
    return found.first_entry, found.entry_count, found.block_number
