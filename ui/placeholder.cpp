namespace warroom {}
