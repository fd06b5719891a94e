/** A Web3 Secret Storage v3 file (as geth, ethers and MetaMask write it). */
export type KeystoreV3 = {
  version: 3;
  id: string;
  /** Lower-case hex without 0x (geth's form); optional in the spec. */
  address?: string;
  crypto: {
    cipher: "aes-128-ctr";
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: "scrypt" | "pbkdf2";
    kdfparams: ScryptParams | Pbkdf2Params;
    mac: string;
  };
};

export type ScryptParams = { dklen: number; n: number; r: number; p: number; salt: string };
export type Pbkdf2Params = { dklen: number; c: number; prf: "hmac-sha256"; salt: string };
