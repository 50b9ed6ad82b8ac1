exports.onExecutePostLogin = async (event, api) => {}; // café in Latin-1
