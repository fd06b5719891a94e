import "node:process";
console.error("npm start: the devnet is not built yet");
process.exit(1);
