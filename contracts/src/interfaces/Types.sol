// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Hardware class a node declares at registration.
/// @dev Ordered from weakest to strongest: a job's `minDeviceClass` admits that class and every class
/// declared after it. Appending a class later keeps that order; never reorder.
enum DeviceClass {
    CPU,
    EDGE,
    SERVER,
    GPU
}
